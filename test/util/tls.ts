/** A self-signed certificate for 127.0.0.1, made when a test server starts (nothing is committed). */
import { generate } from 'selfsigned';

export interface LoopbackCertificate {
  /** PEM certificate; also the CA a client must trust. */
  readonly cert: string;
  /** PEM private key. */
  readonly key: string;
}

/** An EC P-256 certificate for IP 127.0.0.1, valid for a day. */
export async function loopbackCertificate(): Promise<LoopbackCertificate> {
  const pems = await generate([{ name: 'commonName', value: '127.0.0.1' }], {
    keyType: 'ec',
    curve: 'P-256',
    notAfterDate: new Date(Date.now() + 86_400_000),
    extensions: [{ name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] }],
  });
  return { cert: pems.cert, key: pems.private };
}

/** Typed cdk8s constructs for ESO with Azure Key Vault and Workload Identity; usable without the catalogue. */
export * from './external-secret-admission-policy';
export * from './external-secrets-alerts';
export * from './external-secrets-network-policy';
export * from './key-vault-cluster-external-secret';
export * from './key-vault-cluster-secret-store';
export * from './key-vault-external-secret';
export * from './key-vault-secret-store';
export * from './key-vault-store';
export * from './pod-security-namespace';
export * from './workload-identity-service-account';

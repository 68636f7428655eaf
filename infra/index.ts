/**
 * Pulumi entry point: reads the stack settings, loads the catalogue environment they name and builds its stack.
 * Run with `pulumi preview` / `pulumi up` from `infra/` (see docs/operations.md).
 */
import * as pulumi from '@pulumi/pulumi';
import { loadEnvironment } from '../config';
import { environmentStack } from './program';
import { parseStackSettings } from './stack-config';

const settings = parseStackSettings(pulumi.getStack(), pulumi.runtime.allConfig());
const env = loadEnvironment(settings.environment, { dir: settings.catalogueDir });
const { outputs } = environmentStack(pulumi.getStack(), settings, env);

export const environment = outputs.environment;
export const delivery = outputs.delivery;
export const vaultId = outputs.vaultId;
export const vaultUri = outputs.vaultUri;
export const tenantId = outputs.tenantId;
export const clientIds = outputs.clientIds;
export const principalIds = outputs.principalIds;
export const esoReleaseStatus = outputs.esoReleaseStatus;
export const catalogueCheck = outputs.catalogueCheck;

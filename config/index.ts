/** The typed environment catalogue: schema, loader, validators and the names shared by charts and infra. */
export * from './duration';
export * from './errors';
export * from './load';
export * from './naming';
export * from './rules';
export * from './schema';
export * from './schema-infra';
export * from './validate-infra';
export * from './validate';

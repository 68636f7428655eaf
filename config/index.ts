/** The typed environment catalogue: schema, loader, validators and the names shared by charts and infra. */
export * from './duration';
export * from './errors';
export * from './load';
export * from './naming';
export * from './rules';
export * from './schema';
export * from './validate';
export * from './budget';
export * from './schema-budget';

/** The typed environment catalogue: schema, loader, validators and the names shared by charts and infra. */
export * from './airflow';
export * from './duration';
export * from './errors';
export * from './load';
export * from './naming';
export * from './operations';
export * from './rules';
export * from './schema';
export * from './schema-airflow';
export * from './secret-keys';
export * from './schema-operations';
export * from './namespace-conditions';
export * from './validate';
export * from './validate-operations';
export * from './budget';
export * from './delivered';
export * from './schema-budget';

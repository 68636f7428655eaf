/** The typed environment catalogue: schema, loader, validators and the names shared by charts and infra. */
export * from './airflow';
export * from './duration';
export * from './errors';
export * from './load';
export * from './naming';
export * from './rules';
export * from './schema';
export * from './schema-airflow';
export * from './secret-keys';
export * from './validate';

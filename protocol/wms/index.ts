/** The gridline WMS API: topics, message schemas and types, request parsing, and bus links. */
export * from './topics.ts';
export * from './common-schemas.ts';
export * from './request-schemas.ts';
export * from './reply-schemas.ts';
export * from './event-schemas.ts';
export * from './parse-wms-request.ts';
export * from './parse-wms-messages.ts';
export * from './canonical-request-key.ts';
export * from './links.ts';

/** The operator/port contract: topics, port messages, and bus links. */
export * from './topics.ts';
export * from './port-messages.ts';
export * from './console-messages.ts';
export * from './links.ts';

/** The demo WMS: a seeded stream of pick and putaway requests over the WMS API, with a ledger of what came back. */
export * from './demo-wms-options.ts';
export * from './demo-wms.ts';
export * from './request-generator.ts';
export * from './request-ledger.ts';
export * from './sku-popularity.ts';

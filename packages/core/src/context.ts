export * from './context/context.js';

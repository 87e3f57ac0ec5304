export { type CompositeOperation, composite, later, type SingleOperation, single } from '../operation.js';

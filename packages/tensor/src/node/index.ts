export * from './command-line.js';

import { probeWebGpu } from './dist/environment.js';
import { configureThreads } from '@ufbert/cmm';
const { threadPool, measureThreadSpeedup } = await import('../../packages/cmm/dist/wasm/threads.js');
if (process.argv[2]) await probeWebGpu();
configureThreads({threads:2, calibrate:false});
const pool = threadPool();
const r=[];for (let i=0;i<6;i++) r.push(measureThreadSpeedup(pool,2).toFixed(2));console.log(process.argv[2]?'after webgpu':'plain', r.join(' '));

#!/usr/bin/env node
/**
 * Run the soak harness directly: `node dist/soak/main.js --mode crash ...`.
 * Crash parents also start their children through this file.
 */
import { runSoak } from './index.js';

process.exitCode = await runSoak(process.argv.slice(2));

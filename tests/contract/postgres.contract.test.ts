import { adapters } from './adapters';
import { runContract } from './run-contract';

runContract(adapters.postgres);

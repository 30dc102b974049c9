import { isolationScenario } from './support/isolation-scenario';

isolationScenario('file-b');

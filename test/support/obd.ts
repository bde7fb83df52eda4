import * as path from 'node:path';

/** The OBD sample the tests read (test/fixtures/obd/README.md): one place, so no test depends on ../shared. */
export const OBD_DIR = path.resolve(__dirname, '../fixtures/obd');
export const OBD_MEN_CSV = path.join(OBD_DIR, 'random/men/men.csv');
export const OBD_PRIORS_CSV = path.join(OBD_DIR, 'bts_production_prior.csv');

/** Process exit codes, as an orchestrator reads them. */
export const EXIT_OK = 0;
/** Something went wrong at run time; a restart may help. */
export const EXIT_FAILURE = 1;
/** EX_CONFIG from sysexits.h: started with bad configuration; a restart will not help until it is fixed. */
export const EXIT_CONFIG = 78;

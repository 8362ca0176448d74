/** The version `--version` prints, the man page names and exports carry as their producer's. */
export const VERSION = "0.1.0";

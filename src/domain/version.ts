export const ECOTONE_VERSION = "0.1.0";

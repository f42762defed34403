/** The version reported by the CLI and written into results.json. */
export const labVersion = '0.1.0';

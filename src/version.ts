/** The package version, used as the tracer version of both scopes (kept equal to package.json by a test). */
export const VERSION = '0.1.0';

// The helpers shared by every suite live in suites/unit/support.ts; the integration files reach them here.
export * from '../unit/support';

// better-sqlite3 ships no types and @types/better-sqlite3 is not worth a dependency here.
declare module 'better-sqlite3';

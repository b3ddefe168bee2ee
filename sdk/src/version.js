
export const VERSION = '3.30.0-callscope.1';

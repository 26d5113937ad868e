export declare const ROOT: string;
export declare const OUT_DIR: string;
export declare const STAMP: string;
export declare function buildCli(): Promise<void>;

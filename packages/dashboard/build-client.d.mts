export declare const CLIENT_OUT: string;
export declare function buildClient(): Promise<void>;
export declare function clientStale(): boolean;

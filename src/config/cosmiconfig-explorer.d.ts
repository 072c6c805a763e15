// cosmiconfig's Explorer class, which its package ships without declarations (src/config/load.ts says why we use it).
declare module "cosmiconfig/dist/Explorer.js" {
  import type { CommonOptions, CosmiconfigResult, Loaders, Transform } from "cosmiconfig";

  interface Dir {
    path: string;
    isGlobalConfig: boolean;
  }

  export class Explorer {
    constructor(options: CommonOptions & { moduleName: string; loaders: Loaders; transform: Transform; metaConfigFilePath: string | null });
    search(from?: string): Promise<CosmiconfigResult>;
    load(path: string): Promise<CosmiconfigResult>;
    getSearchPlacesForDir(dir: Dir, globalPlaces: string[]): Iterable<string>;
    getGlobalConfigDir(): string;
  }
}

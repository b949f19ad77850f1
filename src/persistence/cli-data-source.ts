// For the TypeORM CLI only: `npm run typeorm -- migration:show -d src/persistence/cli-data-source.ts`
import { createDataSource } from "./data-source.js";

export default createDataSource({ path: process.env.DB_PATH ?? "data/dossier.sqlite" });

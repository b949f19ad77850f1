// Every migration, in order. Migrations are never edited once landed: add a new one.
import { EngineCore1795363954475 } from "./1795363954475-EngineCore.js";

export const MIGRATIONS: Function[] = [EngineCore1795363954475];

import { expect } from "chai";
import { routesOf } from "../../src/api/route-table.js";
import { uiRouter } from "../../src/api/ui/router.js";
import type { Engine } from "../../src/engine/engine.js";
import type { Identity } from "../../src/identity/identity.js";

describe("web: UI routes", () => {
  it("should declare a permission on every page and UI endpoint", () => {
    // given the routers of the web app (building them touches neither engine nor identity)
    const routes = routesOf(uiRouter({ engine: {} as Engine, identity: {} as Identity }));

    // then every route starts with a guard, and only page shells and bundles are public
    expect(routes.filter((r) => r.permission === undefined).map((r) => `${r.method} ${r.path}`)).to.deep.equal([]);
    const publicRoutes = routes.filter((r) => r.permission === "public").map((r) => r.path);
    expect(publicRoutes.every((p) => p === "/" || /^\/(login|inbox|dossiers|designer|operate|admin|mail|templates|archive|receivables|dashboards|portal-admin)$|^\/dossiers\/\{reference\}$|^\/admin\/dossier-types(\/\{typeId\})?$|^\/(mail|archive|receivables|dashboards)\/\{section\}$|^\/templates\/\{name\}$/.test(p))).to.equal(true, publicRoutes.join(", "));
  });
});

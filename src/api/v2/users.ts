/**
 * Users (Camunda's /v2/users shapes): create, search, get, update, delete. Anyone signed in may
 * change their own name, email and password (giving the current one as `currentPassword`);
 * everything else needs `identity.*`. A new password ends the user's other sessions and tokens.
 */
import { Router } from "express";
import { ApiError } from "../errors.js";
import { allow, can, principalOf } from "../auth/guard.js";
import type { PublicUser } from "../../identity/directory.js";
import type { V2Context } from "./context.js";
import { parseSearch, runSearch, type SearchSpec } from "./search/query.js";
import { body } from "./wire.js";

const userWire = (u: PublicUser) => ({ username: u.username, name: u.name, email: u.email });

const userSearch: SearchSpec<PublicUser> = {
  filter: {
    username: { kind: "string", get: (u) => u.username },
    name: { kind: "string", get: (u) => u.name },
    email: { kind: "string", get: (u) => u.email },
  },
  sort: { username: (u) => u.username, name: (u) => u.name, email: (u) => u.email },
  defaultSort: (u) => u.username,
};

export function userRoutes({ identity }: V2Context): Router {
  const router = Router();
  const { directory } = identity;

  router.post("/users", allow("identity.manage"), async (req, res) => {
    const b = body(req);
    const created = await directory.createUser({ username: b["username"] as string, password: b["password"] as string, name: b["name"] as string, email: b["email"] as string });
    res.status(201).json(userWire(created));
  });

  router.post("/users/search", allow("identity.read"), (req, res) => {
    res.json(runSearch(directory.users(), parseSearch(req.body, userSearch), userWire));
  });

  router.get("/users/:username", allow("identity.read"), (req, res) => {
    res.json(userWire(directory.user(String(req.params["username"]))));
  });

  router.put("/users/:username", allow("authenticated"), async (req, res) => {
    const username = String(req.params["username"]);
    const me = principalOf(res);
    if (username !== me.username && !can(me, "identity.manage")) {
      throw new ApiError("FORBIDDEN", `Expected to change your own account ('${me.username}'), but found '${username}': changing others needs the permission 'identity.manage'`);
    }
    const b = body(req);
    const changes = { password: b["password"], currentPassword: b["currentPassword"], name: b["name"], email: b["email"] };
    const by = { username: me.username, client: req.ip ?? req.socket.remoteAddress ?? "unknown", sessionCookie: res.locals["sessionCookie"] as string | undefined };
    res.json(userWire(await identity.updateUser(username, changes, by)));
  });

  router.delete("/users/:username", allow("identity.manage"), (req, res) => {
    const username = String(req.params["username"]);
    if (username === principalOf(res).username) throw new ApiError("INVALID_ARGUMENT", `Expected to delete another user, but found yourself ('${username}')`);
    directory.deleteUser(username);
    res.status(204).end();
  });

  return router;
}

/**
 * Groups and roles (Camunda's /v2/groups and /v2/roles shapes). Groups are free; roles are the
 * five built-in ones (creating roles answers 501). Members are users and, for roles, groups.
 */
import { Router } from "express";
import type { GroupRow, RoleRow } from "../../identity/store.js";
import { allow } from "../auth/guard.js";
import type { V2Context } from "./context.js";
import { parseSearch, runSearch, type SearchSpec } from "./search/query.js";
import { body } from "./wire.js";

const groupWire = (g: GroupRow) => ({ groupId: g.groupId, name: g.name, description: g.description });
const roleWire = (r: RoleRow) => ({ roleId: r.roleId, name: r.name, description: r.description });

const groupSearch: SearchSpec<GroupRow> = {
  filter: { groupId: { kind: "string", get: (g) => g.groupId }, name: { kind: "string", get: (g) => g.name } },
  sort: { groupId: (g) => g.groupId, name: (g) => g.name },
  defaultSort: (g) => g.groupId,
};
const roleSearch: SearchSpec<RoleRow> = {
  filter: { roleId: { kind: "string", get: (r) => r.roleId }, name: { kind: "string", get: (r) => r.name } },
  sort: { roleId: (r) => r.roleId, name: (r) => r.name },
  defaultSort: (r) => r.roleId,
};
const memberSearch = <K extends string>(field: K): SearchSpec<string> => ({ filter: {}, sort: { [field]: (m: string) => m }, defaultSort: (m) => m });

export function groupAndRoleRoutes({ identity }: V2Context): Router {
  const router = Router();
  const { directory } = identity;
  const p = (value: unknown) => String(value);

  router.post("/groups", allow("identity.manage"), (req, res) => {
    const b = body(req);
    res.status(201).json(groupWire(directory.createGroup({ groupId: b["groupId"], name: b["name"], description: b["description"] })));
  });
  router.post("/groups/search", allow("identity.read"), (req, res) => {
    res.json(runSearch(directory.groups(), parseSearch(req.body, groupSearch), groupWire));
  });
  router.get("/groups/:groupId", allow("identity.read"), (req, res) => {
    res.json(groupWire(directory.group(p(req.params["groupId"]))));
  });
  router.put("/groups/:groupId", allow("identity.manage"), (req, res) => {
    const b = body(req);
    res.json(groupWire(directory.updateGroup(p(req.params["groupId"]), { name: b["name"], description: b["description"] })));
  });
  router.delete("/groups/:groupId", allow("identity.manage"), (req, res) => {
    directory.deleteGroup(p(req.params["groupId"]));
    res.status(204).end();
  });
  router.put("/groups/:groupId/users/:username", allow("identity.manage"), (req, res) => {
    directory.addUserToGroup(p(req.params["groupId"]), p(req.params["username"]));
    res.status(204).end();
  });
  router.delete("/groups/:groupId/users/:username", allow("identity.manage"), (req, res) => {
    directory.removeUserFromGroup(p(req.params["groupId"]), p(req.params["username"]));
    res.status(204).end();
  });
  router.post("/groups/:groupId/users/search", allow("identity.read"), (req, res) => {
    res.json(runSearch(directory.groupMembers(p(req.params["groupId"])), parseSearch(req.body, memberSearch("username")), (username) => ({ username })));
  });

  router.post("/roles/search", allow("identity.read"), (req, res) => {
    res.json(runSearch(directory.roles(), parseSearch(req.body, roleSearch), roleWire));
  });
  router.get("/roles/:roleId", allow("identity.read"), (req, res) => {
    res.json(roleWire(directory.role(p(req.params["roleId"]))));
  });
  for (const [segment, type, field] of [["users", "USER", "username"], ["groups", "GROUP", "groupId"]] as const) {
    router.put(`/roles/:roleId/${segment}/:${field}`, allow("identity.manage"), (req, res) => {
      directory.assignRole(p(req.params["roleId"]), type, p(req.params[field]));
      res.status(204).end();
    });
    router.delete(`/roles/:roleId/${segment}/:${field}`, allow("identity.manage"), (req, res) => {
      directory.unassignRole(p(req.params["roleId"]), type, p(req.params[field]));
      res.status(204).end();
    });
    router.post(`/roles/:roleId/${segment}/search`, allow("identity.read"), (req, res) => {
      const members = directory.roleMembers(p(req.params["roleId"]), type);
      res.json(runSearch(members, parseSearch(req.body, memberSearch(field)), (id) => ({ [field]: id })));
    });
  }

  return router;
}

#!/usr/bin/env node
// No-op on purpose: Dossier collects and sends nothing at install time.

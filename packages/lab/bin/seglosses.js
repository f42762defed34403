#!/usr/bin/env node
// Launcher kept in git so npm can link the `seglosses` command at install time; the CLI itself is
// compiled to dist/ by the repository's `prepare` script.
import '../dist/cli/main.js';

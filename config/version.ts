/** This project's name and version, from package.json (read once). */
import fs from 'node:fs';
import path from 'node:path';

interface PackageInfo {
  name: string;
  version: string;
}

let info: PackageInfo | undefined;

export function packageInfo(): PackageInfo {
  if (!info) {
    // dist/config/version.js and config/version.ts both sit two levels below the project root... or one.
    const candidates = [path.join(__dirname, '..', '..', 'package.json'), path.join(__dirname, '..', 'package.json')];
    const file = candidates.find((f) => fs.existsSync(f));
    const parsed = file ? (JSON.parse(fs.readFileSync(file, 'utf8')) as PackageInfo) : { name: 'cht-rapidpro-gateway', version: '0.0.0' };
    info = { name: parsed.name, version: parsed.version };
  }
  return info;
}

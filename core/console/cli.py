"""``linli console vendor``: refresh the console's vendored libraries from the npm registry
(needs node's ``npm``; running the console never does)."""

from __future__ import annotations

import shutil

import click

__all__ = ["register"]


def register(group: click.Group) -> None:
    @group.group("console", help="网页控制台 / the web console (/console/)")
    def console() -> None:
        pass

    @console.command("vendor", help="从 npm 更新控制台的第三方库（固定版本、许可证、sha256）/ refresh "
                                    "the vendored libraries from the npm registry")
    @click.option("--npm", default="npm", show_default=True, help="npm 可执行文件 / npm to use")
    def vendor_cmd(npm: str) -> None:
        from core.console.vendor import vendor  # only this command needs the vendoring code

        if shutil.which(npm) is None:
            raise click.ClickException(f"找不到 {npm}（仅更新第三方库时需要）/ {npm} not found "
                                       "(needed only to refresh the vendored files)")
        for name, entry in sorted(vendor(npm).items()):
            click.echo(f"{entry['sha256'][:16]}  {name}  ({entry['package']}@{entry['version']})")

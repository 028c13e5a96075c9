"""Every text the bot sends is a jinja2 template in this folder (shipped with the package)."""

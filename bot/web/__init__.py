"""The web page for principals, head teachers and the county: FastAPI, pages rendered from
templates/web/, reading through the same school-scoped services as the bot and the CLI."""

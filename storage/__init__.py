"""Storage: SQLAlchemy 2 models, repositories, unit of work and Alembic migrations.

SQLite (aiosqlite) by default, PostgreSQL (asyncpg) in production; all times stored as UTC.
Nothing here imports the rest of Tanggap. Entry points: ``storage.database`` (engine, sessions),
``storage.uow`` (``SqlUnitOfWork``, ``UnitOfWork``), ``storage.records`` (what crosses the layer),
``storage.migrate`` (``upgrade``/``downgrade``/``current``), ``storage.errors``.
"""

/**
 * Jdbi 3 + SQLite: {@link cn.opportunity.integration.adapter.persistence.SqliteDatabase} (settings,
 * migrations, the anchor connection) and its stores of opportunities and dictionary snapshots.
 */
package cn.opportunity.integration.adapter.persistence;

/** Jdbi 3 + SQLite: the opportunity store and its versioned migrations. */
package cn.opportunity.integration.adapter.persistence;

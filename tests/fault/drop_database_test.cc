// The SQL of the drop-database fault.
#include "harness/fault/drop_database.h"

#include <gtest/gtest.h>

#include "harness/datastore/postgres_client.h"

namespace harness::fault {
namespace {

TEST(DropDatabaseTest, database_statements_quote_identifiers) {
  EXPECT_EQ(datastore::quote_identifier("celery_results"), "\"celery_results\"");
  EXPECT_EQ(datastore::quote_identifier("a\"b"), "\"a\"\"b\"");
  EXPECT_EQ(datastore::quote_literal("it's"), "'it''s'");
  EXPECT_EQ(drop_database_sql("celery"), "DROP DATABASE \"celery\" WITH (FORCE)");
  EXPECT_EQ(create_database_sql("Results", "celery"), "CREATE DATABASE \"Results\" OWNER \"celery\"");
  EXPECT_EQ(drop_database_sql("x\"; DROP ROLE postgres; --"),
            "DROP DATABASE \"x\"\"; DROP ROLE postgres; --\" WITH (FORCE)");
}

}  // namespace
}  // namespace harness::fault

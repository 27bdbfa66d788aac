// The SQL of the PostgreSQL faults.
#include <gtest/gtest.h>

#include "harness/fault/datastore_faults.h"

namespace harness::fault {
namespace {

TEST(DatastoreFaultsTest, database_statements_quote_identifiers) {
  EXPECT_EQ(quote_identifier("celery_results"), "\"celery_results\"");
  EXPECT_EQ(quote_identifier("a\"b"), "\"a\"\"b\"");
  EXPECT_EQ(drop_database_sql("celery"), "DROP DATABASE \"celery\" WITH (FORCE)");
  EXPECT_EQ(create_database_sql("Results", "celery"), "CREATE DATABASE \"Results\" OWNER \"celery\"");
  EXPECT_EQ(drop_database_sql("x\"; DROP ROLE postgres; --"),
            "DROP DATABASE \"x\"\"; DROP ROLE postgres; --\" WITH (FORCE)");
}

}  // namespace
}  // namespace harness::fault

#pragma once
// The drop-database fault (drop_database.cc): its parameters and its SQL.
#include <string>

#include "harness/scenario/kind_params.h"

namespace harness::fault {

struct DropDatabaseParams : scenario::KindParams {
  std::string database;  // the reader fills in the service's own when absent
};

std::string drop_database_sql(const std::string& database);  // DROP DATABASE "x" WITH (FORCE)
std::string create_database_sql(const std::string& database, const std::string& owner);  // CREATE DATABASE "x" OWNER "y"

}  // namespace harness::fault

#include "harness/driver/local/sentinel_service.h"

#include <gtest/gtest.h>

#include "harness/driver/local/redis_service.h"

namespace harness::driver::local {
namespace {

SentinelTopology topology() {
  SentinelTopology t;
  t.master_name = "cache";
  t.master_port = 7000;
  t.password = "pw";
  t.replica_ports = {7001};
  t.sentinel_ports = {7100, 7101, 7102};
  t.sentinel_ids = {std::string(40, 'a'), std::string(40, 'b'), std::string(40, 'c')};
  t.quorum = 2;
  return t;
}

TEST(SentinelServiceTest, config_writes_down_the_whole_topology) {
  EXPECT_EQ(sentinel_config(topology(), 1, "/w/cache.sentinel-2"),
            "port 7101\n"
            "bind 127.0.0.1\n"
            "daemonize no\n"
            "logfile \"\"\n"
            "dir \"/w/cache.sentinel-2\"\n"
            "set-proc-title no\n"
            "sentinel myid " + std::string(40, 'b') + "\n"
            "sentinel monitor cache 127.0.0.1 7000 2\n"
            "sentinel auth-pass cache pw\n"
            "sentinel down-after-milliseconds cache 2000\n"
            "sentinel failover-timeout cache 5000\n"
            "sentinel parallel-syncs cache 1\n"
            "sentinel known-replica cache 127.0.0.1 7001\n"
            "sentinel known-sentinel cache 127.0.0.1 7100 " + std::string(40, 'a') + "\n"
            "sentinel known-sentinel cache 127.0.0.1 7102 " + std::string(40, 'c') + "\n");
}

// One entry of SENTINEL REPLICAS / SENTINELS: a flat [field, value, ...] array.
datastore::RedisReply entry(const std::vector<std::pair<std::string, std::string>>& fields) {
  datastore::RedisReply reply;
  reply.type = datastore::RedisReply::Type::k_array;
  for (const auto& [field, value] : fields) {
    reply.elements.push_back({datastore::RedisReply::Type::k_string, field, 0, {}});
    reply.elements.push_back({datastore::RedisReply::Type::k_string, value, 0, {}});
  }
  return reply;
}

datastore::RedisReply list(std::vector<datastore::RedisReply> entries) {
  datastore::RedisReply reply;
  reply.type = datastore::RedisReply::Type::k_array;
  reply.elements = std::move(entries);
  return reply;
}

datastore::RedisReply replica_seen(const std::string& flags = "slave", const std::string& master_port = "7000") {
  return entry({{"name", "127.0.0.1:7001"}, {"port", "7001"}, {"flags", flags}, {"master-port", master_port}});
}

datastore::RedisReply sentinels_seen(const std::string& flags_of_7102 = "sentinel") {
  return list({entry({{"port", "7100"}, {"flags", "sentinel"}}), entry({{"port", "7102"}, {"flags", flags_of_7102}})});
}

TEST(SentinelServiceTest, can_fail_over_once_every_replica_sent_its_info_and_every_sentinel_is_up) {
  EXPECT_EQ(sentinel_view_unready(topology(), 1, list({replica_seen()}), sentinels_seen()), "");
}

TEST(SentinelServiceTest, a_replica_known_only_from_the_config_is_not_a_failover_candidate_yet) {
  // Before the sentinel's first INFO of it, SENTINEL FAILOVER answers NOGOODSLAVE.
  EXPECT_EQ(sentinel_view_unready(topology(), 1, list({replica_seen("slave", "0")}), sentinels_seen()),
            "no INFO from the replica on port 7001 yet");
  EXPECT_EQ(sentinel_view_unready(topology(), 1, list({}), sentinels_seen()), "replica on port 7001 not known yet");
  EXPECT_EQ(sentinel_view_unready(topology(), 1, list({replica_seen("s_down,slave,disconnected")}), sentinels_seen()),
            "replica on port 7001 flagged s_down,slave,disconnected");
}

TEST(SentinelServiceTest, every_other_sentinel_must_be_listed_and_up) {
  EXPECT_EQ(sentinel_view_unready(topology(), 1, list({replica_seen()}), sentinels_seen("s_down,sentinel")),
            "sentinel on port 7102 flagged s_down,sentinel");
  EXPECT_EQ(sentinel_view_unready(topology(), 1, list({replica_seen()}),
                                  list({entry({{"port", "7100"}, {"flags", "sentinel"}})})),
            "sentinel on port 7102 not known yet");
}

TEST(SentinelServiceTest, url_has_one_chunk_per_sentinel_with_the_masters_password) {
  EXPECT_EQ(sentinel_url("pw", {7100, 7101}), "sentinel://:pw@127.0.0.1:7100/0;sentinel://:pw@127.0.0.1:7101/0");
  EXPECT_EQ(sentinel_url("pw", {}), "");
}

TEST(SentinelServiceTest, a_group_is_master_then_replicas_then_sentinels) {
  scenario::Service spec;
  spec.name = "cache";
  spec.kind = scenario::ServiceKind::k_redis;
  spec.redis_replicas = 2;
  spec.sentinels = 3;
  RunPaths paths{"/nonexistent/work", "/nonexistent/logs", "/nonexistent/cache", "r1", {}};
  auto group = create_redis_instances(spec, paths);
  if (!group && group.error().message().find("redis-") != std::string::npos) GTEST_SKIP() << group.error().message();
  ASSERT_TRUE(group.has_value()) << group.error().message();
  std::vector<std::string> names;
  for (const auto& s : *group) {
    names.push_back(s->name() + ":" + s->kind());
    EXPECT_EQ(s->scenario_service(), "cache");
  }
  EXPECT_EQ(names, (std::vector<std::string>{"cache:redis", "cache.replica-1:redis", "cache.replica-2:redis",
                                             "cache.sentinel-1:redis-sentinel", "cache.sentinel-2:redis-sentinel",
                                             "cache.sentinel-3:redis-sentinel"}));
  const auto master = (*group)[0]->placeholders();
  const auto replica = (*group)[1]->placeholders();
  EXPECT_EQ(master.at("master_name"), "cache");
  EXPECT_EQ(replica.at("password"), master.at("password"));
  EXPECT_EQ(replica.count("sentinel_url"), 0u);  // the group's keys come from the master only
  const std::string s1 = (*group)[3]->placeholders().at("port");
  const std::string s2 = (*group)[4]->placeholders().at("port");
  const std::string s3 = (*group)[5]->placeholders().at("port");
  EXPECT_EQ(master.at("sentinel_ports"), s1 + " " + s2 + " " + s3);
  EXPECT_EQ(master.at("sentinel_url"), "sentinel://:" + master.at("password") + "@127.0.0.1:" + s1 + "/0;" +
                                           "sentinel://:" + master.at("password") + "@127.0.0.1:" + s2 + "/0;" +
                                           "sentinel://:" + master.at("password") + "@127.0.0.1:" + s3 + "/0");
}

}  // namespace
}  // namespace harness::driver::local

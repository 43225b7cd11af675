#include <catch2/catch.hpp>

#include "fwprov/provision/ledger_open.hpp"
#include "fwprov/provision/recipe.hpp"

#include <cstdlib>

using namespace fwprov;
using namespace fwprov::provision;

namespace {

// The minimal recipe of issue 12, as written there.
const char* const kIssueRecipe = R"(
[device]
chip = "esp32"
flash_mode = "dio"
flash_freq = "40m"
flash_size = "4MB"
baud = 921600

[partitions]
table = "partitions.csv"

[images]
bootloader = "bootloader.bin"
otadata = "initial"
ota_0 = "firmware.bin"

[identity]
serial = "ACME-{seq:06}"
first = 1

[credentials]
mode = "issue"
key_type = "ec-p256"
subject = "CN={serial},O=Acme"
ca_cert = "ca/ca.crt.pem"
ca_key = "ca/ca.key.pem"
ca_passphrase_env = "CA_PASS"
days = 3650

[files]
csk = "csk.crt.pem"

[storage]
partition = "storage"
csv = "storage.csv"
version = 2

[ledger]
path = "fwprov-ledger.db"
)";

Error parse_error(const std::string& text) {
  try {
    parse_recipe(text, "line/recipe.toml");
  } catch (const Error& error) {
    return error;
  }
  FAIL("no error for: " << text);
  throw;
}

}  // namespace

TEST_CASE("the issue's minimal recipe parses as written") {
  Recipe recipe = parse_recipe(kIssueRecipe, "line/recipe.toml");
  CHECK(recipe.dir == "line");
  CHECK(recipe.device.flash_mode == "dio");
  CHECK(recipe.device.baud == 921600);
  REQUIRE(recipe.images.size() == 3);
  CHECK(recipe.images[0].target == "bootloader");
  CHECK(recipe.images[1].otadata_initial);
  CHECK(recipe.images[2].target == "ota_0");
  CHECK(recipe.images[2].file == "firmware.bin");
  CHECK(recipe.identity.serial == "ACME-{seq:06}");
  CHECK(recipe.credentials.mode == CredentialMode::Issue);
  CHECK(recipe.credentials.key_type == sign::KeyType::EcP256);
  CHECK(recipe.credentials.ca_passphrase.describe().find("CA_PASS") != std::string::npos);
  REQUIRE(recipe.files.size() == 1);
  CHECK(recipe.files[0].name == "csk");
  CHECK(recipe.storage.version == 2);
  CHECK(recipe.ledger.path == "fwprov-ledger.db");
}

TEST_CASE("unknown keys and sections are refused with file, line and key") {
  std::string text = kIssueRecipe;
  text.replace(text.find("baud = 921600"), 13, "baud_rate = 921600");
  Error error = parse_error(text);
  CHECK(error.kind() == ErrorKind::Input);
  CHECK(error.where().file == "line/recipe.toml");
  CHECK(error.where().line == 7);
  CHECK(error.where().field == "device.baud_rate");
  CHECK_THAT(error.message(), Catch::Contains("unknown key"));

  Error section = parse_error(std::string(kIssueRecipe) + "\n[extras]\nx = 1\n");
  CHECK(section.where().field == "extras");
}

TEST_CASE("values are type- and range-checked") {
  auto replaced = [](std::string from, std::string to) {
    std::string text = kIssueRecipe;
    text.replace(text.find(from), from.size(), to);
    return text;
  };
  CHECK(parse_error(replaced("baud = 921600", "baud = \"fast\"")).where().field == "device.baud");
  CHECK(parse_error(replaced("flash_mode = \"dio\"", "flash_mode = \"dual\"")).where().field == "device.flash_mode");
  CHECK(parse_error(replaced("chip = \"esp32\"", "chip = \"auto\"")).message().find("not supported yet") != std::string::npos);
  CHECK(parse_error(replaced("mode = \"issue\"", "mode = \"magic\"")).where().field == "credentials.mode");
  CHECK(parse_error(replaced("key_type = \"ec-p256\"", "key_type = \"dsa\"")).where().field == "credentials.key_type");
  CHECK(parse_error(replaced("subject = \"CN={serial},O=Acme\"", "subject = \"CN={serail}\"")).message().find("{serail}") != std::string::npos);
  CHECK(parse_error(replaced("ota_0 = \"firmware.bin\"", "ota_0 = \"initial\"")).where().field == "images.ota_0");
  CHECK(parse_error(replaced("csk = \"csk.crt.pem\"", "serial = \"x.pem\"")).where().field == "files.serial");
  CHECK(parse_error(replaced("days = 3650", "days = 0")).where().field == "credentials.days");
  CHECK(parse_error(replaced("serial = \"ACME-{seq:06}\"", "serial = \"ACME\"")).where().field == "identity.serial");
  // keys of another mode are a mistake, not silently ignored
  CHECK(parse_error(replaced("mode = \"issue\"", "mode = \"none\"")).where().field.rfind("credentials.", 0) == 0);
  Error syntax = parse_error("[device\nchip = 1\n");
  CHECK(syntax.where().line == 1);
}

TEST_CASE("defaults: no credentials, default serial, ledger beside the recipe") {
  Recipe recipe = parse_recipe("[partitions]\ntable = \"t.csv\"\n[images]\nota_0 = \"fw.bin\"\n", "r.toml");
  CHECK(recipe.credentials.mode == CredentialMode::None);
  CHECK(recipe.identity.serial == "{seq:06}");
  CHECK(recipe.ledger.path == "fwprov-ledger.db");
  CHECK(recipe.partitions.offset == 0x8000);
  CHECK_THROWS_AS(parse_recipe("[device]\nchip = \"esp32\"\n", "r.toml"), Error);
}

TEST_CASE("[ledger] url and url_env name a PostgreSQL ledger, no password in the recipe") {
  const std::string base = "[partitions]\ntable = \"t.csv\"\n[images]\nota_0 = \"fw.bin\"\n[ledger]\n";
  Recipe recipe = parse_recipe(base + "url = \"postgresql://fwprov@db.line/factory\"\n", "line/r.toml");
  CHECK(recipe_ledger_location(recipe) == "postgresql://fwprov@db.line/factory");
  CHECK(recipe_ledger_location(parse_recipe(base + "path = \"l.db\"\n", "line/r.toml")) == "line/l.db");
  auto error_of = [&](const std::string& text) {
    try {
      parse_recipe(base + text, "line/r.toml");
    } catch (const Error& error) {
      return error;
    }
    FAIL("no error for " << text);
    return Error(ErrorKind::Internal, "unreachable");
  };
  Error password = error_of("url = \"postgresql://fwprov:s3cret@db.line/factory\"\n");
  CHECK(password.where().field == "ledger.url");
  CHECK(password.message().find("s3cret") == std::string::npos);
  CHECK(error_of("url = \"/var/ledger.db\"\n").where().field == "ledger.url");
  CHECK(error_of("path = \"l.db\"\nurl = \"postgresql://db/x\"\n").message().find("one of path, url and url_env") != std::string::npos);
  Recipe env = parse_recipe(base + "url_env = \"FWPROV_RECIPE_TEST_URL\"\n", "line/r.toml");
  ::unsetenv("FWPROV_RECIPE_TEST_URL");
  CHECK_THROWS_WITH(recipe_ledger_location(env), Catch::Contains("FWPROV_RECIPE_TEST_URL") && Catch::Contains("not set"));
  ::setenv("FWPROV_RECIPE_TEST_URL", "postgresql://fwprov:pw@db/x", 1);
  CHECK(recipe_ledger_location(env) == "postgresql://fwprov:pw@db/x");  // a password is fine in the variable
  ::unsetenv("FWPROV_RECIPE_TEST_URL");
}

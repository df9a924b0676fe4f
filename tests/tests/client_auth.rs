//! Every kind of security scheme against a loopback server: basic, apiKey in a cookie,
//! OAuth2 client credentials (token fetched once and cached), and `security: []`.

use oagen_tests::client_auth as auth;
use wiremock::matchers::{body_string_contains, header, method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

#[tokio::test]
async fn basic_auth_is_base64_of_user_and_password() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/basic"))
        .and(header("authorization", "Basic dXNlcjpwYXNz"))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    auth::Client::new()
        .with_base_url(server.uri())
        .with_basic_auth("user", "pass")
        .with_basic()
        .await
        .unwrap();
}

#[tokio::test]
async fn an_api_key_in_a_cookie_is_sent_as_a_cookie() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/cookie"))
        .and(header("cookie", "session_id=abc"))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    auth::Client::new()
        .with_base_url(server.uri())
        .with_api_key("abc")
        .with_cookie()
        .await
        .unwrap();
}

#[tokio::test]
async fn oauth2_client_credentials_fetches_one_token_and_reuses_it() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/token"))
        .and(body_string_contains("grant_type=client_credentials"))
        .and(body_string_contains("client_id=app"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(serde_json::json!({"access_token": "t1", "expires_in": 3600})),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/oauth"))
        .and(header("authorization", "Bearer t1"))
        .respond_with(ResponseTemplate::new(204))
        .expect(2)
        .mount(&server)
        .await;
    let client = auth::Client::new()
        .with_base_url(server.uri())
        .with_oauth2_client_credentials("app", "s3cret");
    client.with_oauth().await.unwrap();
    client.with_oauth().await.unwrap();
    assert!(!format!("{client:?}").contains("s3cret"));
}

#[tokio::test]
async fn an_operation_with_empty_security_sends_no_credentials() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/public"))
        .respond_with(|req: &Request| {
            if req.headers.contains_key("authorization") {
                ResponseTemplate::new(400)
            } else {
                ResponseTemplate::new(204)
            }
        })
        .expect(1)
        .mount(&server)
        .await;
    auth::Client::new()
        .with_base_url(server.uri())
        .with_basic_auth("user", "pass")
        .public()
        .await
        .unwrap();
}

#[test]
fn servers_are_a_typed_choice_with_their_variables() {
    use auth::client::Server;
    assert_eq!(Server::default(), Server::Production);
    assert_eq!(Server::Production.url(), "https://auth.invalid");
    let regional = Server::Regional {
        region: "us".into(),
        version: "v2".into(),
    };
    assert_eq!(regional.url(), "https://us.auth.invalid/v2");
    assert_eq!(
        auth::Client::new().with_server(regional).base_url(),
        "https://us.auth.invalid/v2"
    );
    // Seed 000's excerpt lists production and staging.
    use oagen_tests::excerpt::client::Server as Vocode;
    assert_eq!(
        Vocode::StagingEnvironment.url(),
        "https://staging.vocode.dev"
    );
    assert_eq!(
        oagen_tests::excerpt::Client::DEFAULT_BASE_URL,
        Vocode::default().url()
    );
}

#[tokio::test]
async fn an_api_key_header_named_in_mixed_case_is_sent() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/tickets/t-1"))
        .and(header("x-api-key", "k-1"))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    let result = oagen_tests::rules::Client::new()
        .with_base_url(server.uri())
        .with_api_key("k-1")
        .touch_ticket("t-1")
        .await;
    assert!(result.is_ok(), "{result:?}");
}

#[test]
fn a_server_that_is_one_variable_is_that_variable() {
    use oagen_tests::rules::client::Server;
    let custom = Server::Endpoint {
        endpoint: "https://custom.invalid/base".into(),
    };
    assert_eq!(custom.url(), "https://custom.invalid/base");
    assert_eq!(
        oagen_tests::rules::Client::new()
            .with_server(custom)
            .base_url(),
        "https://custom.invalid/base"
    );
}

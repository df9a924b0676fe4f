//! Paginated list operations: [`Builder::paginate`] turns a list operation's builder into
//! [`Items`], a stream of items that fetches pages lazily; [`next_link`] reads a `Link`
//! header.

use super::{Builder, Call, Error, HeaderMap, Response};

/// A stream of the items of a paginated list operation.
pub type Items<'a, T, E> = futures::stream::BoxStream<'a, Result<T, Error<E>>>;

/// Where the next page of a list is, as a generated operation's parameters take it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[doc(hidden)]
pub enum Position {
    /// The page number.
    Page(i64),
    /// The cursor (a token, or a property of the last item).
    Token(String),
}

/// What one page says about the next, read off it by the generated code.
#[derive(Debug, Clone, PartialEq, Eq)]
#[doc(hidden)]
pub enum Next {
    /// The list ends here.
    End,
    /// The next page number.
    Page,
    /// The page with this cursor.
    Token(String),
    /// The page at this URL (a `Link` header).
    Url(String),
    /// The next page number, until this many items have been read.
    Total(u64),
}

/// The URL of the `rel="next"` link of a `Link` header (RFC 8288), if any.
pub fn next_link(headers: &HeaderMap) -> Option<String> {
    for value in headers.get_all(reqwest::header::LINK) {
        let text = value.to_str().ok()?;
        let mut rest = text;
        while let Some(start) = rest.find('<') {
            let after = &rest[start + 1..];
            let end = after.find('>')?;
            let target = &after[..end];
            let params_end = after[end..].find('<').map_or(after.len(), |i| end + i);
            // `; rel="next"` up to the comma before the next link.
            let params = after[end + 1..params_end].split(',').next().unwrap_or("");
            let is_next = params.split(';').any(|p| {
                let Some((key, value)) = p.split_once('=') else {
                    return false;
                };
                key.trim().eq_ignore_ascii_case("rel")
                    && value
                        .trim()
                        .trim_matches('"')
                        .split_ascii_whitespace()
                        .any(|r| r.eq_ignore_ascii_case("next"))
            });
            if is_next {
                return Some(target.to_string());
            }
            rest = &after[params_end..];
        }
    }
    None
}

impl<'a, P, T, E> Builder<'a, P, T, E>
where
    P: Clone + Send + 'a,
    T: Send + 'a,
    E: Send + 'a,
{
    /// Walks the pages of a list operation, as the generated `.stream()` methods do: the
    /// first request is this builder's (at page `start` for page-numbered lists); `set`
    /// puts the next page's position into the parameters; `split` takes a page apart into
    /// its items and what it says about the next page. Pages are fetched lazily, as the
    /// stream is read; the stream ends after the last page, at an empty page, at a cursor
    /// or link it has already followed (so a cycle A → B → A ends), after
    /// [`RequestOptions::max_pages`](super::RequestOptions::max_pages) pages, or after the
    /// first error (which it yields).
    #[doc(hidden)]
    pub fn paginate<I: Send + 'a>(
        self,
        start: Option<i64>,
        set: fn(&mut P, Position),
        split: fn(Response<T>) -> (Vec<I>, Next),
    ) -> Items<'a, I, E> {
        let state = Walk {
            at: match start {
                Some(n) => At::Position(Position::Page(n)),
                None => At::Start,
            },
            pages_left: self.options.page_limit(),
            builder: self,
            page: start,
            seen: 0,
            followed: std::collections::HashSet::new(),
            buffer: Vec::new().into_iter(),
        };
        Box::pin(futures::stream::unfold(state, move |mut s| async move {
            loop {
                if let Some(item) = s.buffer.next() {
                    return Some((Ok(item), s));
                }
                if s.pages_left == Some(0) {
                    return None;
                }
                let call = s.next_call(set)?;
                s.pages_left = s.pages_left.map(|n| n - 1);
                let response = match call.raw().await {
                    Ok(response) => response,
                    Err(e) => return Some((Err(e), s)),
                };
                let (items, next) = split(response);
                s.advance(&items, next);
                s.buffer = items.into_iter();
            }
        }))
    }
}

/// Where a paginated stream goes next.
enum At {
    Start,
    Position(Position),
    Url(String),
    Done,
}

/// The state of a paginated stream.
struct Walk<'a, P, T, E, I> {
    builder: Builder<'a, P, T, E>,
    at: At,
    page: Option<i64>,
    /// Items read so far.
    seen: u64,
    /// Every cursor and link requested so far: one that comes back ends the stream.
    followed: std::collections::HashSet<String>,
    /// Pages still allowed, when limited.
    pages_left: Option<u64>,
    buffer: std::vec::IntoIter<I>,
}

impl<'a, P: Clone, T, E, I> Walk<'a, P, T, E, I> {
    /// The call for the next page, or `None` when the stream has ended.
    fn next_call(&mut self, set: fn(&mut P, Position)) -> Option<Call<'a, T, E>> {
        let mut builder = self.builder.clone();
        Some(match std::mem::replace(&mut self.at, At::Done) {
            At::Done => return None,
            At::Start => builder.call(),
            At::Position(position) => {
                if let Position::Token(t) = &position {
                    self.followed.insert(t.clone());
                }
                set(&mut builder.params, position);
                builder.call()
            }
            At::Url(url) => {
                self.followed.insert(url.clone());
                builder.call().follow(url)
            }
        })
    }

    /// Reads what a page of `items` says about the next one.
    fn advance(&mut self, items: &[I], next: Next) {
        self.seen += items.len() as u64;
        let page = self.page.map(|n| n + 1);
        let next_page = || page.map_or(At::Done, |n| At::Position(Position::Page(n)));
        self.at = match next {
            _ if items.is_empty() => At::Done,
            Next::End => At::Done,
            Next::Page => next_page(),
            Next::Total(total) if self.seen < total => next_page(),
            Next::Total(_) => At::Done,
            Next::Token(t) if self.followed.contains(&t) => At::Done,
            Next::Token(t) => At::Position(Position::Token(t)),
            Next::Url(url) if self.followed.contains(&url) => At::Done,
            Next::Url(url) => At::Url(url),
        };
        self.page = page;
    }
}

impl<T, E> Call<'_, T, E> {
    /// Sends this call to `url` (a next-page link, absolute or relative to the base URL)
    /// instead of the operation's path and query; it must stay on the base URL's origin.
    #[doc(hidden)]
    pub fn follow(mut self, url: String) -> Self {
        self.request.url = Some(url);
        self
    }
}

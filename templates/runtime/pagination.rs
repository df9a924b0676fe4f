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
    /// or link that repeats the previous one, or after the first error (which it yields).
    #[doc(hidden)]
    pub fn paginate<I: Send + 'a>(
        self,
        start: Option<i64>,
        set: fn(&mut P, Position),
        split: fn(Response<T>) -> (Vec<I>, Next),
    ) -> Items<'a, I, E> {
        enum At {
            Start,
            Position(Position),
            Url(String),
            Done,
        }
        struct State<'a, P, T, E, I> {
            builder: Builder<'a, P, T, E>,
            at: At,
            page: Option<i64>,
            seen: u64,
            buffer: std::vec::IntoIter<I>,
        }
        let state = State {
            at: match start {
                Some(n) => At::Position(Position::Page(n)),
                None => At::Start,
            },
            builder: self,
            page: start,
            seen: 0,
            buffer: Vec::new().into_iter(),
        };
        Box::pin(futures::stream::unfold(state, move |mut s| async move {
            loop {
                if let Some(item) = s.buffer.next() {
                    return Some((Ok(item), s));
                }
                let mut builder = s.builder.clone();
                // The cursor or link of this request: a next page that repeats it ends the list.
                let mut previous = None;
                let call = match std::mem::replace(&mut s.at, At::Done) {
                    At::Done => return None,
                    At::Start => builder.call(),
                    At::Position(position) => {
                        if let Position::Token(t) = &position {
                            previous = Some(t.clone());
                        }
                        set(&mut builder.params, position);
                        builder.call()
                    }
                    At::Url(url) => {
                        previous = Some(url.clone());
                        builder.call().follow(url)
                    }
                };
                let response = match call.raw().await {
                    Ok(response) => response,
                    Err(e) => return Some((Err(e), s)),
                };
                let (items, next) = split(response);
                s.seen += items.len() as u64;
                let page = s.page.map(|n| n + 1);
                s.at = match next {
                    _ if items.is_empty() => At::Done,
                    Next::End => At::Done,
                    Next::Page => page.map_or(At::Done, |n| At::Position(Position::Page(n))),
                    Next::Total(total) if s.seen < total => {
                        page.map_or(At::Done, |n| At::Position(Position::Page(n)))
                    }
                    Next::Total(_) => At::Done,
                    Next::Token(t) if Some(&t) == previous.as_ref() => At::Done,
                    Next::Token(t) => At::Position(Position::Token(t)),
                    Next::Url(url) if Some(&url) == previous.as_ref() => At::Done,
                    Next::Url(url) => At::Url(url),
                };
                s.page = page;
                s.buffer = items.into_iter();
            }
        }))
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

// drbot web view: live updates. Served as a file (the CSP allows no inline script). Without it the
// pages still work; with it, the page listens to /web/events (server-sent events) and fetches itself
// again when an incident changes, falling back to polling every 5 s when the stream is unavailable.
(function () {
  'use strict';
  var url = document.body.getAttribute('data-live');
  var status = document.querySelector('[data-live-status]');
  if (!url || !window.fetch || !window.DOMParser) return;
  var ko = document.documentElement.lang === 'ko';
  var pending = null;
  var poller = null;
  var inFlight = false;

  function say(text) {
    if (status) status.textContent = text;
  }
  function clock() {
    var d = new Date();
    return ('0' + d.getHours()).slice(-2) + ':' + ('0' + d.getMinutes()).slice(-2) + ':' + ('0' + d.getSeconds()).slice(-2);
  }
  function refresh() {
    pending = null;
    if (inFlight) return schedule();
    inFlight = true;
    fetch(location.href, { credentials: 'same-origin', cache: 'no-store', headers: { 'X-Drbot-Live': '1' } })
      .then(function (res) {
        if (res.status === 403) {
          location.reload();
          return null;
        }
        return res.ok ? res.text() : null;
      })
      .then(function (text) {
        if (!text) return;
        var next = new DOMParser().parseFromString(text, 'text/html').getElementById('main');
        var current = document.getElementById('main');
        if (next && current) {
          current.replaceWith(document.importNode(next, true));
          document.body.setAttribute('data-refreshed', String(Date.now()));
          say((ko ? '갱신됨 ' : 'Updated ') + clock());
        }
      })
      .catch(function () {
        say(ko ? '갱신 실패, 다시 시도합니다' : 'Update failed; retrying');
      })
      .then(function () {
        inFlight = false;
      });
  }
  function schedule() {
    if (!pending) pending = setTimeout(refresh, 200);
  }
  function poll() {
    if (poller) return;
    say(ko ? '5초마다 갱신' : 'Refreshing every 5 s');
    poller = setInterval(refresh, 5000);
  }
  if (!window.EventSource) return poll();
  var source = new EventSource(url);
  source.addEventListener('open', function () {
    if (poller) {
      clearInterval(poller);
      poller = null;
      refresh();
    }
    say(ko ? '실시간 갱신 중' : 'Live');
  });
  source.addEventListener('change', schedule);
  source.addEventListener('error', function () {
    if (source.readyState === EventSource.CLOSED) poll();
    else say(ko ? '다시 연결 중…' : 'Reconnecting…');
  });
})();

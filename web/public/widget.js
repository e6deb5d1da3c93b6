/*
 * madoguchi FAQ widget: <script src="https://OUR-HOST/widget.js" data-tenant="CODE" async></script>
 * Adds a button that opens the town's FAQ chat in an iframe of our origin (/widget/CODE). The
 * host page's cookies are never read or needed; nothing but the iframe is added to the page.
 */
(function () {
  var script = document.currentScript;
  if (!script) return;
  var tenant = script.getAttribute('data-tenant');
  if (!tenant || !/^[A-Za-z0-9_-]{1,64}$/.test(tenant)) return;
  var origin = new URL(script.src, location.href).origin;
  var label = script.getAttribute('data-label') || 'よくある質問';
  var button = document.createElement('button');
  button.type = 'button';
  button.textContent = label;
  button.setAttribute('aria-expanded', 'false');
  button.setAttribute('data-madoguchi-widget', 'open');
  button.style.cssText = 'position:fixed;right:16px;bottom:16px;z-index:2147483000;min-height:48px;' +
    'min-width:48px;padding:0 20px;border:0;border-radius:24px;background:#0b57d0;color:#fff;' +
    'font:bold 16px sans-serif;box-shadow:0 2px 8px rgba(0,0,0,.3);cursor:pointer';
  var frame = null;
  button.addEventListener('click', function () {
    if (!frame) {
      frame = document.createElement('iframe');
      frame.src = origin + '/widget/' + encodeURIComponent(tenant);
      frame.title = label;
      frame.setAttribute('data-madoguchi-widget', 'frame');
      frame.style.cssText = 'position:fixed;right:16px;bottom:76px;z-index:2147483000;' +
        'width:min(400px,calc(100vw - 32px));height:min(600px,calc(100vh - 100px));' +
        'border:1px solid #ccc;border-radius:12px;background:#fff;box-shadow:0 2px 12px rgba(0,0,0,.3)';
      document.body.appendChild(frame);
    } else {
      frame.hidden = !frame.hidden;
    }
    button.setAttribute('aria-expanded', frame.hidden ? 'false' : 'true');
  });
  document.body.appendChild(button);
})();

// 所在地区: each select fills the next from /region/children once it changes.
function resetSelect(sel, text) {
  sel.options.length = 0;
  sel.options[0] = new Option(text || "--请选择--", "");
}
function loadChildren(parent, childId, laterIds) {
  var child = document.getElementById(childId);
  resetSelect(child);
  for (var i = 0; i < laterIds.length; i++) resetSelect(document.getElementById(laterIds[i]));
  if (parent.value == "") return;
  resetSelect(child, "正在加载...");
  var xhr = window.XMLHttpRequest ? new XMLHttpRequest() : new ActiveXObject("Microsoft.XMLHTTP");
  xhr.open("GET", "/region/children?code=" + parent.value + "&t=" + new Date().getTime(), true);
  xhr.onreadystatechange = function () {
    if (xhr.readyState != 4) return;
    var items = xhr.status == 200 ? eval("(" + xhr.responseText + ")") : [];
    // The old server answers quickly; the page then takes its time drawing the list.
    setTimeout(function () {
      resetSelect(child);
      for (var j = 0; j < items.length; j++) child.options[child.options.length] = new Option(items[j].name, items[j].code);
    }, 300);
  };
  xhr.send(null);
}

// 申请日期: a read-only box that only this little calendar can fill.
var calTarget = null, calYear = 0, calMonth = 0;
function pad2(n) { return n < 10 ? "0" + n : "" + n; }
function showCalendar(input) {
  calTarget = input;
  var start = (input.value || SERVER_TODAY).split("-");
  calYear = parseInt(start[0], 10); calMonth = parseInt(start[1], 10) - 1;
  var div = document.getElementById("calendarDiv");
  if (!div) {
    div = document.createElement("div");
    div.id = "calendarDiv";
    document.body.appendChild(div);
  }
  var box = input.getBoundingClientRect();
  div.style.left = (box.left + window.pageXOffset) + "px";
  div.style.top = (box.bottom + window.pageYOffset) + "px";
  div.style.display = "block";
  drawCalendar();
}
function moveCalendar(step) {
  calMonth += step;
  if (calMonth < 0) { calMonth = 11; calYear--; }
  if (calMonth > 11) { calMonth = 0; calYear++; }
  drawCalendar();
}
function pickDate(day) {
  calTarget.value = calYear + "-" + pad2(calMonth + 1) + "-" + pad2(day);
  document.getElementById("calendarDiv").style.display = "none";
}
function drawCalendar() {
  var first = new Date(calYear, calMonth, 1).getDay();
  var days = new Date(calYear, calMonth + 1, 0).getDate();
  var html = "<table cellspacing='0' cellpadding='2'><tr>"
    + "<td><a href='javascript:void(0)' onclick='moveCalendar(-1)' title='上月'>&lt;</a></td>"
    + "<td colspan='5'><b>" + calYear + "年" + (calMonth + 1) + "月</b></td>"
    + "<td><a href='javascript:void(0)' onclick='moveCalendar(1)' title='下月'>&gt;</a></td></tr><tr>";
  var names = ["日", "一", "二", "三", "四", "五", "六"];
  for (var i = 0; i < 7; i++) html += "<td><font color='#888888'>" + names[i] + "</font></td>";
  html += "</tr><tr>";
  for (var blank = 0; blank < first; blank++) html += "<td></td>";
  for (var d = 1; d <= days; d++) {
    html += "<td><a href='javascript:void(0)' onclick='pickDate(" + d + ")'>" + d + "</a></td>";
    if ((first + d) % 7 == 0) html += "</tr><tr>";
  }
  html += "</tr><tr><td colspan='7'><a href='javascript:void(0)' onclick=\"document.getElementById('calendarDiv').style.display='none'\">关闭</a></td></tr></table>";
  document.getElementById("calendarDiv").innerHTML = html;
}

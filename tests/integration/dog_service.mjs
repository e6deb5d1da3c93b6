// A small 犬の登録-like definition the builder tests play: a choice whose options branch (with
// a fee per choice), a date with limits, a kana name, confirm and submit. A fresh object per call.
export function dogService(serviceKey, title) {
  return {
    format: 'madoguchi.service/1', service_key: serviceKey, title, department: '',
    steps: [
      { id: 'kind', kind: 'choice', text: '登録の種類は？', label: '種類', choices: [
        { value: 'new', label: '新しく登録', fee: 3000, next: 'birth' },
        { value: 'move', label: '転入した犬の登録', fee: 0, next: 'name' }] },
      { id: 'birth', kind: 'date', text: '犬の生年月日は？', label: '生年月日', min: '-30y', max: 'today' },
      { id: 'name', kind: 'text', format: 'kana', text: '飼い主のフリガナは？', label: 'フリガナ' },
      { id: 'confirm', kind: 'confirm' },
      { id: 'submit', kind: 'submit' },
    ],
  };
}
